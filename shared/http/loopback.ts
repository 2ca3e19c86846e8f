/** True for loopback IP literals: 127.0.0.0/8, ::1 and IPv4-mapped 127.x. */
export function loopbackAddress(address: string): boolean {
  const a = address.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return a === "::1" || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(a);
}
