import { ZquicError } from "@zquic/wire";

/**
 * Throws a {@link ZquicError} unless `value` is an integer in [0, max]: encoders
 * call it before writing a field, since a Writer would silently wrap the value.
 */
export function checkField(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ZquicError("DNS_FIELD_OUT_OF_RANGE", `${field} must be an integer from 0 to ${max}, not ${value}`);
  }
}

/** Largest value of a 16-bit field. */
export const U16_MAX = 0xffff;
/** Largest value of a 32-bit field. */
export const U32_MAX = 0xffff_ffff;
