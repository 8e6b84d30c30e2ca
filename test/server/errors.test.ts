import { describe, expect, it } from "vitest";
import { CaError } from "../../src/ca/ca-keys.ts";
import { errorReply, ServerError, serverErrorCodes, serverErrors } from "../../src/server/errors.ts";

describe("errors at the HTTP edge", () => {
  it("every server code has a client or server status and Korean and English words", () => {
    for (const code of serverErrorCodes) {
      const { status, body } = errorReply(new ServerError(code));
      expect(status, code).toBe(serverErrors[code].status);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(body.error.code).toBe(code);
      expect(body.error.message.ko, code).toMatch(/[가-힣]/);
      expect(body.error.message.en, code).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it("domain codes keep their code and take the command line's words", () => {
    const { status, body } = errorReply(new CaError("ca_missing"));
    expect(status).toBe(503);
    expect(body.error).toMatchObject({
      code: "ca_missing",
      message: { en: expect.stringContaining("no CA keys") },
    });
  });

  it("anything else is 500 internal with a message that tells nothing", () => {
    const e = Object.assign(new Error("relation secret_table does not exist"), {
      code: "42P01",
      detail: "x",
    });
    const { status, body } = errorReply(e);
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toContain("secret_table");
    expect(body.error.code).toBe("internal");
  });
});
