import { describe, expect, it } from "vitest";
import { CaError } from "../../src/ca/ca-keys.ts";
import { type Area, areaWords } from "../../src/messages/index.ts";
import { errorReply, httpStatus, ServerError, serverErrorCodes } from "../../src/server/errors.ts";

describe("errors at the HTTP edge", () => {
  it("every server code has a client or server status and Korean and English words", () => {
    for (const code of serverErrorCodes) {
      const { status, body } = errorReply(new ServerError(code));
      expect(status, code).toBe(httpStatus.server[code]);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(body.error.code).toBe(code);
      expect(body.error.message.ko, code).toMatch(/[가-힣]/);
      expect(body.error.message.en, code).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it("every code the server can send has a status, and only those", () => {
    const served = Object.keys(httpStatus).sort();
    expect(served).toEqual(
      (Object.keys(areaWords) as Area[]).filter((a) => a !== "cli" && a !== "certStore").sort(),
    );
    for (const [area, statuses] of Object.entries(httpStatus)) {
      const codes = Object.keys(areaWords[area as Area]);
      expect(Object.keys(statuses).sort(), area).toEqual(codes.sort());
      for (const [code, status] of Object.entries(statuses as Record<string, number>)) {
        expect(status, `${area}.${code}`).toBeGreaterThanOrEqual(400);
        expect(status, `${area}.${code}`).toBeLessThan(600);
      }
    }
  });

  it("domain codes keep their code and take the shared words", () => {
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
