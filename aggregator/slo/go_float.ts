/**
 * Go's `%v` (and `%g`) of a float64, which Sloth's templates print objectives and burn
 * factors with: the shortest digits that read back as the same number, in exponent form
 * (`1e-05`, `1e+06`) when the exponent is below -4 or at least 6.
 */

/** Formats `v` as Go's fmt.Sprint(float64) does. */
export function formatGoG(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  // toExponential() without digits gives the shortest round-tripping mantissa, as Go does.
  const [mantissa, exp] = Math.abs(v).toExponential().split("e") as [string, string];
  const e = Number(exp);
  const sign = v < 0 ? "-" : "";
  if (e < -4 || e >= 6) {
    const digits = Math.abs(e) < 10 ? `0${Math.abs(e)}` : `${Math.abs(e)}`;
    return `${sign}${mantissa}e${e < 0 ? "-" : "+"}${digits}`;
  }
  const digits = mantissa.replace(".", "");
  const point = e + 1;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
