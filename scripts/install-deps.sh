#!/bin/bash
# Installs what netdiag needs to build and to run its whole test suite on
# Debian 12 (run as root). Safe to run again.
set -eu
packages=(
	# build
	meson ninja-build pkg-config gcc clang libclang-rt-14-dev
	libpcap-dev libjson-c-dev libcmocka-dev zlib1g-dev liblzma-dev
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libapparmor-dev libsystemd-dev
	# reference decoder and lab tools used by the tests
	tshark tcpdump samba smbclient iproute2 ethtool nftables
	python3 time openssl util-linux xz-utils
	# daemon tests: promtool (prometheus), scdoc (man pages), systemd-analyze (systemd)
	prometheus scdoc systemd
	# AppArmor tests: journal files from export format; testparm (samba-common-bin)
	systemd-journal-remote samba-common-bin
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: everything is installed"
	exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the answer does not matter here.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
