// The teller console's entry (a separate bundle: the member site never loads it).
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { I18nProvider } from "../i18n/index.tsx";
import "../styles/app.css";
import { TellerApp } from "./TellerApp.tsx";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <I18nProvider>
      <TellerApp />
    </I18nProvider>
  </StrictMode>,
);
