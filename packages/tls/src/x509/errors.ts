import { ZquicError } from "@zquic/wire";

/**
 * A certificate, key, PEM or DER input that does not decode, or one that uses
 * something this package does not support. Every decoder in `x509/` throws only
 * this for bad input, whatever the bytes are.
 */
export class X509Error extends ZquicError {
  override name = "X509Error";
  constructor(message: string) {
    super("X509", message);
  }
}
