#!/bin/sh
# /init of the kvm-sandbox initramfs (runs as PID 1 under busybox sh).
#
# Contract with tools/kvm-sandbox (the host side):
#   - /lib/modules/load-order lists the modules (files /lib/modules/NAME.ko)
#     in dependency order; the virtio, 9p and console drivers come before kvm.
#   - virtio-serial ports named sv.stdout, sv.stderr, sv.status carry CMD's
#     stdout, CMD's stderr and our status lines ("started", "exit N",
#     "error MESSAGE").
#   - 9p shares: svroot = host / (read-only), svjob = the per-run directory with
#     job.sh (bash script that sets up the environment and execs CMD) and
#     mounts (lines "TAG ABSOLUTE-PATH" for the -w directories).
# Anything that goes wrong is written to the serial console (captured by the
# host into a log it prints on failure) and, once the ports exist, as an
# "error ..." status line; then we power off so QEMU exits promptly.

PATH=/bin
export PATH

NEWROOT=/newroot
NINEP_OPTS=trans=virtio,version=9p2000.L,msize=512000
STATUS=

log() {
	echo "kvm-sandbox-init: $*" >/dev/console
}

power_off() {
	sync
	poweroff -f
	# poweroff -f should not return; if it does, let the kernel panic
	# (panic=-1 reboots, -no-reboot makes QEMU exit).
	exit 1
}

die() {
	log "error: $*"
	# Before find_ports, the status port may still be there to report on.
	[ -n "$STATUS" ] || { port_device sv.status && STATUS=$PORT_DEV; }
	[ -n "$STATUS" ] && echo "error $*" >"$STATUS"
	power_off
}

mount_kernel_filesystems() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
}

# The "MOD.PARAM=VALUE" words of the kernel command line for module MOD, as
# modprobe would pass them (busybox insmod does not look).
module_params() {
	local cmdline word params=
	read -r cmdline </proc/cmdline
	for word in $cmdline; do
		case $word in "$1".*=*) params="$params ${word#"$1".}" ;; esac
	done
	echo "$params"
}

load_modules() {
	while read -r mod; do
		# shellcheck disable=SC2046 # one word per parameter
		insmod "/lib/modules/$mod.ko" $(module_params "$mod") ||
			die "failed to load module $mod"
	done </lib/modules/load-order
}

# Set PORT_DEV to the /dev node of the virtio-serial port called $1 (no udev, so
# look the name up in sysfs; devtmpfs has created the node itself).
# (Shell builtins only: every fork costs under emulation.)
port_device() {
	for d in /sys/class/virtio-ports/*; do
		name=
		[ -r "$d/name" ] && read -r name <"$d/name"
		if [ "$name" = "$1" ]; then
			PORT_DEV=/dev/${d##*/}
			return 0
		fi
	done
	return 1
}

# Ports are announced by the host over the control queue after the driver
# probed, so they can appear a little after insmod returns.
find_ports() {
	tries=0
	while :; do
		port_device sv.status && STATUS_DEV=$PORT_DEV &&
			port_device sv.stdout && OUT_DEV=$PORT_DEV &&
			port_device sv.stderr && ERR_DEV=$PORT_DEV &&
			[ -c "$STATUS_DEV" ] && [ -c "$OUT_DEV" ] && [ -c "$ERR_DEV" ] &&
			break
		tries=$((tries + 1))
		[ $tries -gt 200 ] && die "virtio-serial ports sv.stdout/sv.stderr/sv.status did not appear"
		sleep 0.05
	done
	STATUS=$STATUS_DEV
}

mount_9p() { # TAG DIR [extra options]
	mount -t 9p -o "$NINEP_OPTS${3:+,$3}" "$1" "$2"
}

# Host / read-only as the new root, with fresh kernel filesystems and /tmp.
mount_new_root() {
	mount_9p svjob /job ro || die "cannot mount the job share (9p tag svjob)"
	# cache=loose: the root is read-only and short-lived, and page-caching it
	# makes exec of host binaries much faster under emulation.
	mount_9p svroot "$NEWROOT" ro,cache=loose || die "cannot mount host / (9p tag svroot)"
	mount -t proc proc "$NEWROOT/proc" || die "cannot mount /proc"
	mount -t sysfs sysfs "$NEWROOT/sys" || die "cannot mount /sys"
	mount -t devtmpfs devtmpfs "$NEWROOT/dev" || die "cannot mount /dev"
	mkdir -p "$NEWROOT/dev/pts" "$NEWROOT/dev/shm"
	mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts "$NEWROOT/dev/pts" || die "cannot mount /dev/pts"
	mount -t tmpfs -o mode=1777 tmpfs "$NEWROOT/dev/shm" || die "cannot mount /dev/shm"
	mount -t tmpfs -o mode=1777 tmpfs "$NEWROOT/tmp" || die "cannot mount /tmp"
	mount -t bpf bpf "$NEWROOT/sys/fs/bpf" || die "cannot mount bpf on /sys/fs/bpf"
	mount -t tracefs tracefs "$NEWROOT/sys/kernel/tracing" || die "cannot mount tracefs"
	mount -t debugfs debugfs "$NEWROOT/sys/kernel/debug" || die "cannot mount debugfs"
	# devtmpfs has no /dev/fd & co. (udev would add them); programs expect them.
	ln -sf /proc/self/fd "$NEWROOT/dev/fd"
	ln -sf /proc/self/fd/0 "$NEWROOT/dev/stdin"
	ln -sf /proc/self/fd/1 "$NEWROOT/dev/stdout"
	ln -sf /proc/self/fd/2 "$NEWROOT/dev/stderr"
}

# The -w directories, read-write, at the same paths (the host sorted them so
# parents come first).  A path under /tmp needs its mount point created in
# the fresh tmpfs; elsewhere it already exists in the host's tree.
mount_writable_dirs() {
	while read -r tag dir; do
		[ -n "$tag" ] || continue
		[ -d "$NEWROOT$dir" ] || mkdir -p "$NEWROOT$dir" ||
			die "cannot create mount point $dir for -w"
		# cache=mmap: writes go straight to the host, shared mmap still works.
		mount_9p "$tag" "$NEWROOT$dir" cache=mmap || die "cannot mount -w $dir (9p tag $tag)"
	done </job/mounts
}

main() {
	# Progress goes to the console log: if a boot hangs, the host prints that
	# log, and the last step named is where it stopped.
	mount_kernel_filesystems
	echo >/dev/console # end the firmware's last line
	log "loading modules"
	load_modules
	find_ports
	log "mounting file systems"
	mount_new_root
	mount_writable_dirs
	ip link set lo up 2>/dev/null
	hostname kvm-sandbox

	# Keep one VM with an APIC-less vCPU open for the whole session, so KVM
	# never patches kernel static keys while test VMMs come and go (that
	# self-modification sometimes deadlocks multi-threaded TCG).
	log "starting kvm-hold"
	kvm-hold /dev/kvm || die "kvm-hold could not create a VM on /dev/kvm"

	log "running the command"
	echo started >"$STATUS"
	# job.sh reaches bash through fd 3 (as /proc/self/fd/3), so it needs no
	# path inside the new root; it closes fd 3 before exec'ing CMD.
	# env -i: CMD gets the caller's environment only (job.sh sets it), not
	# what the kernel gave init (TERM=linux, HOME=/).
	env -i /bin/chroot "$NEWROOT" /bin/bash /proc/self/fd/3 3</job/job.sh \
		</dev/null >"$OUT_DEV" 2>"$ERR_DEV"
	rc=$?
	log "command exited with status $rc"
	sync
	echo "exit $rc" >"$STATUS"
	power_off
}

main
