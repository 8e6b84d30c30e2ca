// Messages at the top of a form: an error summary (role=alert, each problem links to its field),
// a single error, and a quiet success notice (role=status).
import type { ReactNode } from "react";

export interface FieldProblem {
  /** The id of the input the problem is about. */
  field: string;
  text: string;
}

export function ErrorSummary({ title, problems }: { title: string; problems: FieldProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{title}</p>
      <ul>
        {problems.map((p) => (
          <li key={p.field + p.text}>
            <a
              href={`#${p.field}`}
              onClick={(e) => {
                e.preventDefault();
                document.getElementById(p.field)?.focus();
              }}
            >
              {p.text}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ErrorMessage({ children, title }: { children: ReactNode; title?: string }) {
  if (!children) return null;
  return (
    <div className="alert alert-error" role="alert">
      {title ? <p className="alert-title">{title}</p> : null}
      <div>{children}</div>
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="alert alert-ok" role="status">
      {children}
    </div>
  );
}
