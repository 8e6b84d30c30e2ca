// Tells the member when this device's clock is far from the bank's (the Date header of the API's
// answers): the centre itself works by the server's time, but a member should know why other sites
// may refuse the certificate, and that dates a wrong clock would compute are not the ones shown.
import { useEffect, useState } from "react";
import { serverOffsetMs } from "../lib/server-time.ts";
import { useCertcenterWords } from "./i18n/index.ts";

/** The CA's tolerance for a CMP message's time (src/ca/freshness.ts): beyond it, the member is told. */
export const clockToleranceMs = 5 * 60_000;

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export function ClockNotice() {
  const words = useCertcenterWords().clock;
  const [offset, setOffset] = useState(() => serverOffsetMs());
  // The offset is re-read from each API answer; a page that loads its data after mounting updates it.
  useEffect(() => {
    const id = setInterval(() => setOffset(serverOffsetMs()), 2_000);
    return () => clearInterval(id);
  }, []);
  if (Math.abs(offset) <= clockToleranceMs) return null;
  const off = Math.abs(offset);
  const by =
    off >= day
      ? words.days(Math.round(off / day))
      : off >= hour
        ? words.hours(Math.round(off / hour))
        : words.minutes(Math.round(off / minute));
  // The server ahead of us means this device's clock is behind.
  return (
    <div className="alert alert-error cc-clock" role="status">
      <p className="alert-title">{words.title}</p>
      <p>{words.off(by, offset < 0)}</p>
    </div>
  );
}
