/** Sizes and rates in the config file: integers, or strings with a unit. */

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
  TIB: 1024 ** 4,
};

/** Bytes of `512KiB`, `1.5 GB` or `1048576`; undefined for anything else. */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)$/i.exec(value.trim());
  const unit = m && UNITS[m[2]!.toUpperCase()];
  return unit ? Math.floor(Number(m[1]) * unit) : undefined;
}
