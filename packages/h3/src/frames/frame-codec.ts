/**
 * RFC 9114 §7.1: encoding frames, and decoding the payload of a frame whose header has been
 * read (see `FrameParser` for reading a stream of frames).
 *
 * @module
 */
import { Reader, WireError, Writer, ZquicError } from "@zquic/wire";
import { fromByteString, toByteString } from "../byte-string.js";
import { H3Error, H3ErrorCode } from "../errors.js";
import type { BufferedFrame, Frame } from "./frame.js";
import { FRAME_RULES, FrameType, HTTP2_ONLY_FRAME_TYPES } from "./frame-type.js";
import { decodeSettings, writeSettings } from "./settings.js";

/** RFC 9114 §7.1: appends a frame header, `Type (i)` and `Length (i)`. */
export function writeFrameHeader(w: Writer, type: number, length: number): void {
  w.varint(type).varint(length);
}

/**
 * Appends `frame`, header and payload. For large DATA, {@link writeFrameHeader} followed by
 * the content avoids a copy. Throws a `ZquicError` for an unknown frame whose type is in
 * fact known or forbidden, or a setting no peer could accept.
 */
export function writeFrame(w: Writer, frame: Frame): void {
  const payload = new Writer(64);
  writePayload(payload, frame);
  writeFrameHeader(w, typeOf(frame), payload.length);
  w.bytes(payload.view());
}

/** `frame`, header and payload, as new bytes. */
export function encodeFrame(frame: Frame): Uint8Array {
  const w = new Writer(64);
  writeFrame(w, frame);
  return w.toBytes();
}

function typeOf(frame: Frame): number {
  switch (frame.type) {
    case "data":
      return FrameType.DATA;
    case "headers":
      return FrameType.HEADERS;
    case "cancel_push":
      return FrameType.CANCEL_PUSH;
    case "settings":
      return FrameType.SETTINGS;
    case "push_promise":
      return FrameType.PUSH_PROMISE;
    case "goaway":
      return FrameType.GOAWAY;
    case "max_push_id":
      return FrameType.MAX_PUSH_ID;
    case "priority_update":
      return frame.element === "request" ? FrameType.PRIORITY_UPDATE_REQUEST : FrameType.PRIORITY_UPDATE_PUSH;
    case "unknown":
      if (FRAME_RULES.has(frame.frameType) || HTTP2_ONLY_FRAME_TYPES.has(frame.frameType)) {
        throw new ZquicError("INVALID_FRAME", `frame type 0x${frame.frameType.toString(16)} is defined; build it by name, not as an unknown frame`);
      }
      return frame.frameType;
  }
}

function writePayload(w: Writer, frame: Frame): void {
  switch (frame.type) {
    case "data":
      w.bytes(frame.data);
      return;
    case "headers":
      w.bytes(frame.fieldSection);
      return;
    case "cancel_push":
    case "max_push_id":
      w.varint(frame.pushId);
      return;
    case "settings":
      writeSettings(w, frame.settings);
      return;
    case "push_promise":
      w.varint(frame.pushId).bytes(frame.fieldSection);
      return;
    case "goaway":
      w.varint(frame.id);
      return;
    case "priority_update":
      w.varint(frame.elementId).bytes(fromByteString(frame.priority));
      return;
    case "unknown":
      w.bytes(frame.payload);
      return;
  }
}

/**
 * The frame of type `type` (one that is delivered whole) with payload `payload`. A payload
 * that ends early or has octets left over throws an H3_FRAME_ERROR {@link H3Error}
 * (RFC 9114 §7.1, §10.8); SETTINGS may also throw H3_SETTINGS_ERROR.
 */
export function decodeFramePayload(type: number, payload: Uint8Array): BufferedFrame {
  const r = new Reader(payload);
  try {
    const frame = readPayload(type, r);
    if (!r.done) throw new H3Error(H3ErrorCode.H3_FRAME_ERROR, `frame 0x${type.toString(16)} has ${r.remaining} octets after its fields`);
    return frame;
  } catch (e) {
    if (e instanceof WireError) throw new H3Error(H3ErrorCode.H3_FRAME_ERROR, `frame 0x${type.toString(16)} ends inside its fields`);
    throw e;
  }
}

function readPayload(type: number, r: Reader): BufferedFrame {
  switch (type) {
    case FrameType.HEADERS:
      return { type: "headers", fieldSection: r.rest() };
    case FrameType.CANCEL_PUSH:
      return { type: "cancel_push", pushId: r.varint() };
    case FrameType.SETTINGS:
      return { type: "settings", settings: decodeSettings(r.rest()) };
    case FrameType.PUSH_PROMISE:
      return { type: "push_promise", pushId: r.varint(), fieldSection: r.rest() };
    case FrameType.GOAWAY:
      return { type: "goaway", id: r.varint() };
    case FrameType.MAX_PUSH_ID:
      return { type: "max_push_id", pushId: r.varint() };
    case FrameType.PRIORITY_UPDATE_REQUEST:
    case FrameType.PRIORITY_UPDATE_PUSH: {
      const element = type === FrameType.PRIORITY_UPDATE_REQUEST ? "request" : "push";
      return { type: "priority_update", element, elementId: r.varint(), priority: toByteString(r.rest()) };
    }
    default:
      throw new ZquicError("INVALID_FRAME", `frame type 0x${type.toString(16)} is not delivered whole; only pass buffered frame types`);
  }
}
