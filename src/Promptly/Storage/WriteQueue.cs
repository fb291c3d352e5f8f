using System.Diagnostics;
using System.Threading.Channels;

namespace Promptly.Storage;

/// <summary>
/// The queue in front of a store's single writer (<see cref="Sqlite.SqliteWriter"/>, <see cref="Postgres.PostgresWriter"/>):
/// requests' writes are taken in batches for one transaction each (group commit), in the order they came; housekeeping
/// (<see cref="QueuedWrite.Background"/>) waits for a moment without requests' writes, or goes first once it has waited
/// <see cref="QueuedWrite.BackgroundMaxWait"/> under unbroken load.
/// </summary>
/// <remarks>Any thread may enqueue; one loop (the writer's) takes.</remarks>
internal sealed class WriteQueue<TWrite>(int maxBatch, string writer) where TWrite : QueuedWrite
{
    private readonly Channel<TWrite> _channel = Channel.CreateUnbounded<TWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<TWrite> _background = new();
    // Counted here: the single-reader channel cannot count its items.
    private int _queued;

    /// <summary>Writes queued and not yet taken into a transaction.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <exception cref="ObjectDisposedException">The writer is stopping.</exception>
    public void Enqueue(TWrite write)
    {
        Interlocked.Increment(ref _queued);
        if (_channel.Writer.TryWrite(write)) return;
        Interlocked.Decrement(ref _queued);
        throw new ObjectDisposedException(writer, "The database is shutting down.");
    }

    /// <summary>Waits until there is something to take; false once the queue is completed and empty.</summary>
    public ValueTask<bool> WaitAsync() => _background.Count > 0 ? ValueTask.FromResult(true) : _channel.Reader.WaitToReadAsync();

    /// <summary>
    /// Fills <paramref name="batch"/> (cleared first) with the requests' writes queued now, at most the batch size, and
    /// returns the background write to commit before them, alone, when one is due: when no request's write waits,
    /// or when it has waited too long. Writes whose callers gave up meanwhile are dropped unrun.
    /// </summary>
    public TWrite? Take(List<TWrite> batch)
    {
        batch.Clear();
        while (batch.Count < maxBatch && _channel.Reader.TryRead(out var write))
        {
            Interlocked.Decrement(ref _queued);
            if (write.DropIfCancelled()) continue;
            if (write.Background) _background.Enqueue(write);
            else batch.Add(write);
        }

        return _background.Count > 0 && (batch.Count == 0 || Stopwatch.GetElapsedTime(_background.Peek().Queued) > QueuedWrite.BackgroundMaxWait)
            ? _background.Dequeue()
            : null;
    }

    /// <summary>No more writes: the writer's loop ends once it has taken what is queued.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}

/// <summary>A write in a <see cref="WriteQueue{TWrite}"/>: what the queue needs to know of it, and how it ends.</summary>
internal abstract class QueuedWrite(bool background)
{
    /// <summary>Longest a background write waits for a moment without requests' writes before it goes first anyway.</summary>
    public static readonly TimeSpan BackgroundMaxWait = TimeSpan.FromSeconds(5);

    public bool Background { get; } = background;

    public long Queued { get; } = Stopwatch.GetTimestamp();

    /// <summary>Cancels the write's task instead of running it, when its caller has given up; true when it did.</summary>
    public abstract bool DropIfCancelled();

    /// <summary>Marks the write failed; its caller is told at <see cref="Complete"/>. The first failure stays.</summary>
    public abstract void Fail(Exception e);

    /// <summary>Tells the caller: its result, or its failure. Called once the write's transaction has ended.</summary>
    public abstract void Complete();
}

/// <summary>The caller's side of a queued write returning <typeparamref name="T"/>: its task, result and failure.</summary>
/// <remarks>
/// A struct held in a (non-readonly) field of the write, so a write costs no object more than before it was shared;
/// never copy it.
/// </remarks>
internal struct WriteResult<T>(CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private Exception? _failure;

    public readonly Task<T> Task => _completion.Task;

    public readonly bool DropIfCancelled() => cancellationToken.IsCancellationRequested && _completion.TrySetCanceled(cancellationToken);

    public void Set(T result) => _result = result;

    public void Fail(Exception e) => _failure ??= e;

    public readonly void Complete()
    {
        if (_failure is null) _completion.TrySetResult(_result!);
        else _completion.TrySetException(_failure);
    }
}
