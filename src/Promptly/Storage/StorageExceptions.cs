namespace Promptly.Storage;

/// <summary>The write conflicts with what is stored (a reused invitation, a session that moved on).</summary>
internal sealed class StorageConflictException(string message) : Exception(message);

/// <summary>The row a write refers to does not exist.</summary>
internal sealed class StorageNotFoundException(string message) : Exception(message);

/// <summary>The database cannot be used (disk full, file locked, I/O error): the caller answers 503.</summary>
internal sealed class StorageUnavailableException(string message, Exception? inner) : Exception(message, inner);
