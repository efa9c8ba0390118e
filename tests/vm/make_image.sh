#!/usr/bin/env bash
# Builds the test VM (a Debian kernel and a busybox initramfs) into DIR, once
# per kernel version: tests/vm/run_in_vm.sh boots it where /dev/kvm is missing.
# Needs busybox-static, cpio and apt access to Debian's archive.
set -euo pipefail
readonly out="${1:?usage: make_image.sh DIR}"
readonly here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
# What the VM needs as modules: 9p over virtio for the host's files, KVM.
readonly MODULES=(virtio_pci 9pnet_virtio 9p kvm-amd)

package="$(apt-cache depends linux-image-amd64 |
  awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
[[ -n "${package}" ]] || {
  echo "make_image.sh: no linux-image-amd64 in the apt lists; run apt-get update" >&2
  exit 1
}
if [[ "$(cat "${out}/package" 2>/dev/null)" == "${package}" ]]; then
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
(cd "${tmp}" && apt-get download -o APT::Sandbox::User=root "${package}" >&2)
dpkg-deb -x "${tmp}"/*.deb "${tmp}/kernel"
version="${package#linux-image-}"
modules="${tmp}/kernel/lib/modules/${version}/kernel"
root="${tmp}/initramfs"
mkdir -p "${root}/bin" "${root}/modules" "${root}/proc" "${root}/dev"
cp /bin/busybox "${root}/bin/busybox"
cp "${here}/init" "${root}/init"
# Copies MODULE, after what it depends on, and appends it to the load order.
add_module() {
  local module="$1" file dep
  grep -qx "${module}" "${root}/modules/order" 2>/dev/null && return 0
  file="$(find "${modules}" -name "${module}.ko" -o -name "${module}.ko.xz" |
    head -1)"
  [[ -n "${file}" ]] || return 0  # built into the kernel
  case "${file}" in
    *.xz) xz -dc "${file}" >"${root}/modules/${module}.ko" ;;
    *) cp "${file}" "${root}/modules/${module}.ko" ;;
  esac
  for dep in $(grep -a -o 'depends=[^[:cntrl:]]*' "${root}/modules/${module}.ko" |
    head -1 | cut -d= -f2 | tr ',' ' '); do
    add_module "${dep}"
  done
  echo "${module}" >>"${root}/modules/order"
}
for module in "${MODULES[@]}"; do
  add_module "${module}"
done
mkdir -p "${out}"
(cd "${root}" && find . | cpio -o -H newc --quiet | gzip) >"${out}/initrd.gz"
cp "${tmp}/kernel/boot/vmlinuz-${version}" "${out}/vmlinuz"
echo "${package}" >"${out}/package"
