#!/usr/bin/env bash
# Installs what Fallback needs on Debian 12 and that this machine lacks:
#   build:  cgo toolchain, GL/X11 headers (Fyne), PortAudio headers
#   run:    PortAudio and GL runtime libraries
#   test:   Xvfb, xdotool, ImageMagick (screenshots), PulseAudio null sinks,
#           ALSA plugins, sox, python3 (the corpus scorer)
# Only missing packages are installed; apt-get update runs at most once.
# Then it downloads the Go modules of go.mod. Needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(
  gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev portaudio19-dev
  libportaudio2 libgl1 libgl1-mesa-dri libx11-6 libxcursor1 libxrandr2
  libxinerama1 libxi6 libxxf86vm1 libxrender1 libx11-xcb1
  xvfb xauth xdotool imagemagick x11-utils
  pulseaudio pulseaudio-utils libasound2-plugins alsa-utils sox python3 ca-certificates
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="$PATH:/usr/local/go/bin"
  else
    echo "setup: Go is not installed; install Go 1.26 (see README.md)" >&2
    exit 1
  fi
fi
go mod download
echo "setup: ok"
