// The microphone, captured through an AudioWorklet (mic-worklet.js) that turns it into 16 kHz PCM16 frames.

/** A microphone that could not be opened, with words for the candidate. */
export class MicrophoneError extends Error {}

/**
 * Opens the microphone on `context` and calls `onFrame(ArrayBuffer)` with each 20 ms frame of 16 kHz PCM16.
 * @returns {Promise<{stop: () => void}>}
 */
export async function openMicrophone(context, onFrame) {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MicrophoneError('This browser cannot use a microphone here (it needs a secure connection, https). You can keep answering by typing.');
  }
  let stream;
  try {
    // The browser's echo cancellation keeps the interviewer's voice from the speakers out of the microphone, which
    // would otherwise sound like the candidate speaking over it (a false barge-in).
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (error) {
    throw new MicrophoneError(refusal(error));
  }
  try {
    await context.audioWorklet.addModule(new URL('./mic-worklet.js', import.meta.url));
    const source = context.createMediaStreamSource(stream);
    // No outputs: the node is a sink, which the browser runs without connecting it to the speakers.
    const capture = new AudioWorkletNode(context, 'pcm16-capture', { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1 });
    capture.port.onmessage = (message) => onFrame(message.data);
    source.connect(capture);
    return {
      stop() {
        capture.port.onmessage = null;
        capture.port.postMessage('stop');
        source.disconnect();
        for (const track of stream.getTracks()) track.stop();
      },
    };
  } catch {
    for (const track of stream.getTracks()) track.stop();
    throw new MicrophoneError('The microphone opened but its audio could not be processed in this browser. You can keep answering by typing.');
  }
}

function refusal(error) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access was refused, so you cannot answer by voice. You can keep answering by typing, or allow the microphone in the browser\'s site settings and press "Answer by voice" again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Connect one and press "Answer by voice" again, or keep answering by typing.';
    case 'NotReadableError':
      return 'The microphone is in use by another program or could not be read. You can keep answering by typing.';
    default:
      return `The microphone could not be opened (${error?.message || error}). You can keep answering by typing.`;
  }
}
