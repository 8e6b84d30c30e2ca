// A printable slip (신청확인증, security card, certificate authorisation): on screen a framed card
// with a print button; on paper only the slip (see the print rules in styles/app.css).
import type { ReactNode } from "react";

export function Slip({
  title,
  children,
  printLabel,
}: {
  title: string;
  children: ReactNode;
  printLabel: string;
}) {
  return (
    <section className="slip-wrap" aria-label={title}>
      <div className="slip print-area">
        <h2 className="slip-title">{title}</h2>
        {children}
      </div>
      <button type="button" className="button button-secondary no-print" onClick={() => window.print()}>
        {printLabel}
      </button>
    </section>
  );
}

/** Label/value rows for slips, receipts and detail pages. */
export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <div key={label} className="fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
