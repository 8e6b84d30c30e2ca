// A page: its <h1>, the document title, and focus moved to the heading after a navigation so a
// screen reader announces the new page.
import { type ReactNode, useEffect, useRef } from "react";

let firstPage = true;

export function Page({
  title,
  siteName,
  children,
  actions,
}: {
  title: string;
  siteName: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} | ${siteName}`;
  }, [title, siteName]);
  useEffect(() => {
    // The first page keeps the browser's own focus; later ones take it, as a new page load would.
    if (firstPage) firstPage = false;
    else heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div className="page">
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </div>
  );
}
