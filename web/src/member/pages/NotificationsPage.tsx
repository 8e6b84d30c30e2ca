// The notification centre: newest first, unread ones marked, each can be marked read.
import { useEffect } from "react";
import { useI18n } from "../../i18n/index.tsx";
import { formatDateTime } from "../../lib/dates.ts";
import { useLoad } from "../../lib/use-load.ts";
import { ErrorMessage } from "../../ui/Alerts.tsx";
import { Page } from "../../ui/Page.tsx";
import { api, useSession } from "../session.tsx";
import type { Notification } from "../types.ts";

export function NotificationsPage() {
  const { t, lang, errorText } = useI18n();
  const session = useSession();
  const list = useLoad(
    () => api.get<{ notifications: Notification[]; unread: number }>("/api/notifications"),
    [],
  );
  const items = list.data?.notifications ?? null;
  const { setUnread } = session;

  const unread = list.data?.unread;
  useEffect(() => {
    if (unread !== undefined) setUnread(unread);
  }, [unread, setUnread]);

  async function markRead(id: string): Promise<void> {
    try {
      await api.post(`/api/notifications/${encodeURIComponent(id)}/read`);
      list.setData((old) =>
        old
          ? {
              notifications: old.notifications.map((n) => (n.id === id ? { ...n, read: true } : n)),
              unread: Math.max(
                0,
                old.unread - (old.notifications.some((n) => n.id === id && !n.read) ? 1 : 0),
              ),
            }
          : old,
      );
    } catch {
      list.reload();
    }
  }

  return (
    <Page title={t.notifications.title} siteName={t.app.name}>
      <div className="narrow">
        {list.error ? (
          <ErrorMessage>
            <p>{errorText(list.error)}</p>
          </ErrorMessage>
        ) : null}
        {items === null && !list.error ? <div className="list-skeleton" aria-hidden="true" /> : null}
        {items && items.length === 0 ? <p className="empty">{t.notifications.none}</p> : null}
        {items && items.length > 0 ? (
          <ol className="notifications">
            {items.map((n) => (
              <li key={n.id} className={n.read ? "notification" : "notification unread"}>
                <div className="notification-head">
                  <h2>
                    {n.read ? null : <span className="visually-hidden">{t.notifications.unread} </span>}
                    {n.title[lang]}
                  </h2>
                  <time dateTime={n.at}>{formatDateTime(n.at, lang)}</time>
                </div>
                <p>{n.body[lang]}</p>
                {n.read ? null : (
                  <button type="button" className="link-button" onClick={() => void markRead(n.id)}>
                    {t.notifications.markRead}
                    <span className="visually-hidden">: {n.title[lang]}</span>
                  </button>
                )}
              </li>
            ))}
          </ol>
        ) : null}
      </div>
    </Page>
  );
}
