// An account's history: period presets (1 week, 1 month, 3 months) or chosen dates, newest first,
// "more" for the next page, and the same period as a CSV or PDF statement.
import { type FormEvent, useEffect, useState } from "react";
import { useI18n } from "../../i18n/index.tsx";
import { formatAccountNumber } from "../../lib/account-number.ts";
import { type DatePreset, formatDateTime, isDate, presetRange, seoulToday } from "../../lib/dates.ts";
import { Link } from "../../lib/router.tsx";
import { useLoad } from "../../lib/use-load.ts";
import { formatWon, parseWon } from "../../lib/won.ts";
import { ErrorMessage, ErrorSummary, type FieldProblem } from "../../ui/Alerts.tsx";
import { Field } from "../../ui/Field.tsx";
import { Page } from "../../ui/Page.tsx";
import { api } from "../session.tsx";
import type { Account, HistoryAnswer, HistoryEntry } from "../types.ts";
import { accountName } from "./HomePage.tsx";

const pageSize = 20;
const presets: DatePreset[] = ["1w", "1m", "3m"];

export function HistoryPage({ number }: { number: string }) {
  const { t, lang, errorText } = useI18n();
  const today = seoulToday();
  const [preset, setPreset] = useState<DatePreset | null>("1m");
  const [from, setFrom] = useState(presetRange("1m", today).from);
  const [to, setTo] = useState(today);
  const [period, setPeriod] = useState({ from, to });
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const accounts = useLoad(() => api.get<{ accounts: Account[] }>("/api/accounts"), []);
  const account = accounts.data?.accounts.find((a) => a.number === number) ?? null;
  const base = `/api/accounts/${encodeURIComponent(number)}`;

  async function load(range: { from: string; to: string }, after: string | null): Promise<void> {
    setLoading(true);
    setFailure(null);
    try {
      const query = new URLSearchParams({ from: range.from, to: range.to, limit: String(pageSize) });
      if (after) query.set("cursor", after);
      const answer = await api.get<HistoryAnswer>(`${base}/history?${query}`);
      setEntries((old) => (after && old ? [...old, ...answer.entries] : answer.entries));
      setCursor(answer.nextCursor ?? null);
    } catch (e) {
      setFailure(e);
    } finally {
      setLoading(false);
    }
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: the first period loads once; later ones on submit
  useEffect(() => {
    void load(period, null);
  }, []);

  function choose(p: DatePreset): void {
    const range = presetRange(p, today);
    setPreset(p);
    setFrom(range.from);
    setTo(range.to);
    setProblems([]);
    setPeriod(range);
    void load(range, null);
  }

  function submit(e: FormEvent): void {
    e.preventDefault();
    const found: FieldProblem[] = [];
    if (!isDate(from)) found.push({ field: "h-from", text: t.history.badDate });
    if (!isDate(to)) found.push({ field: "h-to", text: t.history.badDate });
    else if (to > today) found.push({ field: "h-to", text: t.history.future });
    if (found.length === 0 && from > to) found.push({ field: "h-from", text: t.history.fromAfterTo });
    setProblems(found);
    if (found.length > 0) return;
    setPreset(null);
    setPeriod({ from, to });
    void load({ from, to }, null);
  }

  const statement = (format: "csv" | "pdf") =>
    `${base}/statement?${new URLSearchParams({ from: period.from, to: period.to, format })}`;
  const errorOf = (field: string) => problems.find((p) => p.field === field)?.text;

  return (
    <Page title={t.history.title} siteName={t.app.name}>
      <p className="breadcrumb">
        <Link to="/">{t.nav.home}</Link>
      </p>
      <section className="card account-summary" aria-live="polite">
        <p className="account-name">{account ? accountName(account, t.accountKinds, lang) : "\u00a0"}</p>
        <p className="account-number">{formatAccountNumber(number)}</p>
        <p className="account-balance">{account ? formatWon(account.balance, lang) : "\u00a0"}</p>
      </section>
      {accounts.error ? (
        <ErrorMessage>
          <p>{errorText(accounts.error)}</p>
        </ErrorMessage>
      ) : null}
      <form className="card filters" onSubmit={submit} noValidate aria-label={t.history.filters}>
        <fieldset className="presets">
          <legend className="visually-hidden">{t.history.period}</legend>
          {presets.map((p) => (
            <button
              key={p}
              type="button"
              className="chip"
              aria-pressed={preset === p}
              onClick={() => choose(p)}
            >
              {t.history.presets[p]}
            </button>
          ))}
        </fieldset>
        <ErrorSummary title={t.common.checkFields} problems={problems} />
        <div className="date-row">
          <Field
            id="h-from"
            label={t.history.from}
            type="date"
            value={from}
            max={today}
            onChange={(e) => setFrom(e.target.value)}
            error={errorOf("h-from")}
          />
          <Field
            id="h-to"
            label={t.history.to}
            type="date"
            value={to}
            max={today}
            onChange={(e) => setTo(e.target.value)}
            error={errorOf("h-to")}
          />
          <button type="submit" className="button">
            {t.history.search}
          </button>
        </div>
        <p className="downloads">
          <span>{t.history.download(period.from, period.to)}</span>
          <a href={statement("csv")} download className="button button-secondary button-small">
            CSV
          </a>
          <a href={statement("pdf")} download className="button button-secondary button-small">
            PDF
          </a>
        </p>
      </form>
      {failure ? (
        <ErrorMessage>
          <p>{errorText(failure)}</p>
        </ErrorMessage>
      ) : null}
      <section aria-labelledby="entries-title" aria-busy={loading}>
        <h2 id="entries-title" className="visually-hidden">
          {t.history.entries}
        </h2>
        {entries === null ? <div className="list-skeleton" aria-hidden="true" /> : null}
        {entries && entries.length === 0 ? <p className="empty">{t.history.none}</p> : null}
        {entries && entries.length > 0 ? (
          <ol className="entries">
            {entries.map((e) => {
              const amount = parseWon(e.amount) ?? 0n;
              const incoming = e.kind === "in";
              return (
                <li key={e.id} className="entry">
                  <div className="entry-main">
                    <p className="entry-what">
                      {e.memo || e.counterpartyName || (incoming ? t.history.in : t.history.out)}
                    </p>
                    <p className="entry-when">
                      {formatDateTime(e.at, lang)}
                      {e.counterpartyName && e.counterpartyName !== e.memo ? ` · ${e.counterpartyName}` : ""}
                    </p>
                  </div>
                  <div className="entry-money">
                    <p className={incoming ? "entry-amount in" : "entry-amount out"}>
                      <span className="entry-kind">{incoming ? t.history.in : t.history.out}</span>{" "}
                      {formatWon(amount < 0n ? -amount : amount, lang)}
                    </p>
                    <p className="entry-balance">
                      {t.history.balanceAfter} {formatWon(e.balanceAfter, lang)}
                    </p>
                  </div>
                </li>
              );
            })}
          </ol>
        ) : null}
        {cursor ? (
          <button
            type="button"
            className="button button-secondary button-block"
            disabled={loading}
            onClick={() => void load(period, cursor)}
          >
            {loading ? t.common.loading : t.history.more}
          </button>
        ) : null}
      </section>
    </Page>
  );
}
