/**
 * Client settings for S3-compatible stores whose behaviour differs from AWS where the
 * SDK's defaults break them. A preset fills in what `clientConfig` leaves unset.
 *
 * - `aws`: the SDK's defaults.
 * - `minio`: path-style addressing (`forcePathStyle`), since MinIO serves buckets under
 *   the endpoint's path unless virtual-host DNS is set up; region `us-east-1`.
 * - `r2` (Cloudflare): region `auto`; request checksums only when an operation requires
 *   one and response checksums validated only then (`WHEN_REQUIRED`), because SDK
 *   releases from 3.729 add CRC32 headers to every upload that R2 answered with 501
 *   NotImplemented; no stored SHA-256 on uploads either.
 * - `b2` (Backblaze): `WHEN_REQUIRED` likewise, as B2 refuses the
 *   `x-amz-sdk-checksum-algorithm` header with 400 InvalidArgument; no stored SHA-256.
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';

/** The names a `preset` option takes. */
export const S3_PRESETS = ['aws', 'minio', 'r2', 'b2'] as const;
/** One of {@link S3_PRESETS}. */
export type S3Preset = (typeof S3_PRESETS)[number];

interface PresetSettings {
  client: S3ClientConfig;
  /** Ask S3 to store each single-request upload's SHA-256 (HASH answers from it). */
  storeChecksums: boolean;
}

const WHEN_REQUIRED: S3ClientConfig = { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' };

const PRESETS: Record<S3Preset, PresetSettings> = {
  aws: { client: {}, storeChecksums: true },
  minio: { client: { forcePathStyle: true, region: 'us-east-1' }, storeChecksums: true },
  r2: { client: { ...WHEN_REQUIRED, region: 'auto' }, storeChecksums: false },
  b2: { client: WHEN_REQUIRED, storeChecksums: false },
};

/** The settings of `preset`; throws TypeError naming the valid ones for anything else. */
export function presetSettings(preset: string | undefined): PresetSettings {
  if (preset === undefined) return PRESETS.aws;
  if (!(S3_PRESETS as readonly string[]).includes(preset)) {
    throw new TypeError(`S3FileSystem: preset must be one of ${S3_PRESETS.join(', ')}, got ${JSON.stringify(preset)}`);
  }
  return PRESETS[preset as S3Preset];
}

/** `clientConfig` with the preset's settings under it: what the caller set wins. */
export function presetClientConfig(preset: string | undefined, clientConfig: S3ClientConfig = {}): S3ClientConfig {
  const defined = Object.fromEntries(Object.entries(clientConfig).filter(([, v]) => v !== undefined));
  return { ...presetSettings(preset).client, ...defined };
}
