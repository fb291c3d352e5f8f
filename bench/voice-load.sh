#!/usr/bin/env bash
# The voice load of BENCHMARKS.md: N concurrent voice interviews streaming real-time audio, against a Release server.
#   bench/voice-load.sh [seconds] [streams ...]        default: 30 s each for 50, 200 and 500 streams
#   VAD=energy|silero (default energy)   TTS=espeak|none (default espeak)   RAMP=15s   PROMPTLY_BENCH_PORT=5080
# A fresh server (and data folder) for each stream count; no speech-to-text (turns carry a placeholder transcript).
# TTS=none sets Voice:Tts:Enabled=false: replies go out as text events only, so the audio path is measured alone.
# Only the processes this script starts are stopped, by their pid.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
streams=("$@")
[[ ${#streams[@]} -gt 0 ]] || streams=(50 200 500)
vad=${VAD:-energy}
tts=${TTS:-espeak}
ramp=${RAMP:-15s}
port=${PROMPTLY_BENCH_PORT:-5080}
url=http://127.0.0.1:$port
work=$(mktemp -d /tmp/promptly-voice-load.XXXXXX)
source bench/server.sh

trap stop_server EXIT

settings=(Voice__Vad="$vad")
if [[ $vad == silero ]]; then settings+=(Voice__SileroModel="$PWD/.cache/silero_vad_v5.onnx"); fi
if [[ $tts == none ]]; then settings+=(Voice__Tts__Enabled=false); fi

# Answers of a few seconds each, as espeak-ng writes them (22,050 Hz; the client resamples to 16 kHz).
answers=()
for text in "I like oat milk because it is creamy and it foams well in coffee." \
            "Mostly in the morning, with cereal, and sometimes in tea." \
            "The price matters, but the taste matters more to me."; do
    answers+=("$work/answer-${#answers[@]}.wav")
    espeak-ng -w "${answers[-1]}" "$text"
done

dotnet build -c Release src/Promptly >/dev/null
for n in "${streams[@]}"; do
    echo "== $n streams, ${seconds}s, VAD=$vad, TTS=$tts"
    start_server "$work/data-$n" "$url" "$work/server-$n.log" "${settings[@]}"
    dotnet "$server_dll" voice-load "$url" --streams "$n" --duration "${seconds}s" --ramp-up "$ramp" \
        --answers "${answers[@]}" --server-pid "$server_pid" || echo "(voice-load exited $?)"
    stop_server
done
echo "(data and logs in $work)"
