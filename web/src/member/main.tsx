// The member site's entry: the language, the session, and the pages.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { I18nProvider } from "../i18n/index.tsx";
import "../styles/app.css";
import { App } from "./App.tsx";
import { SessionProvider } from "./session.tsx";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <I18nProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
