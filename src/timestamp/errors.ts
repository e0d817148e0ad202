/**
 * The one error type of the time-stamping code. `code` is stable (callers and the HTTP layer switch on it); the
 * message is English for logs, `messageTh` the Thai sentence for an official at the counter. Isomorphic.
 */

export type TimestampErrorCode =
  /** Input given to a function of ours is invalid (which field, what was expected). */
  | 'invalid_input'
  /** DER that should be a TimeStampReq / TimeStampResp / token does not parse. */
  | 'malformed'
  /** The TSA could not be reached (connection refused, DNS, TLS handshake, reset). */
  | 'tsa_unreachable'
  /** No complete answer within the configured time. */
  | 'tsa_timeout'
  /** The TSA answered with an HTTP status other than 200 (see `httpStatus`). */
  | 'tsa_http_error'
  /** The TSA answered 200 but not with a readable TimeStampResp. */
  | 'tsa_bad_response'
  /** The TSA refused to issue a token (see `failInfo`). */
  | 'tsa_rejected'
  /** The token does not answer our request (nonce, imprint or policy differ). */
  | 'tsa_mismatch';

const THAI: Record<TimestampErrorCode, string> = {
  invalid_input: 'ข้อมูลที่ส่งให้ระบบประทับเวลาไม่ถูกต้อง',
  malformed: 'ข้อมูลการประทับเวลามีรูปแบบไม่ถูกต้อง',
  tsa_unreachable: 'ติดต่อหน่วยงานประทับรับรองเวลาไม่ได้',
  tsa_timeout: 'หน่วยงานประทับรับรองเวลาไม่ตอบกลับภายในเวลาที่กำหนด',
  tsa_http_error: 'หน่วยงานประทับรับรองเวลาปฏิเสธการเชื่อมต่อ',
  tsa_bad_response: 'หน่วยงานประทับรับรองเวลาตอบกลับด้วยข้อมูลที่อ่านไม่ได้',
  tsa_rejected: 'หน่วยงานประทับรับรองเวลาไม่ออกตราประทับเวลาให้',
  tsa_mismatch: 'ตราประทับเวลาที่ได้รับไม่ตรงกับคำขอ',
};

export class TimestampError extends Error {
  override readonly name = 'TimestampError';
  readonly code: TimestampErrorCode;
  /** Thai sentence for people; the English `message` carries the technical detail. */
  readonly messageTh: string;
  /** HTTP status for tsa_http_error. */
  readonly httpStatus?: number;
  /** PKIFailureInfo names for tsa_rejected (e.g. ['badAlg']). */
  readonly failInfo?: string[];

  constructor(code: TimestampErrorCode, message: string, extra: { httpStatus?: number; failInfo?: string[]; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    this.messageTh = THAI[code];
    if (extra.httpStatus !== undefined) this.httpStatus = extra.httpStatus;
    if (extra.failInfo !== undefined) this.failInfo = extra.failInfo;
  }
}
