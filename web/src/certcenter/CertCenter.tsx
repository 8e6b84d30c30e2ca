// The certificate centre (인증센터): its pages by path, loaded on demand (React.lazy in
// member/App.tsx) so the member's first page carries none of it. The guide and the FAQ are open
// to anyone (the login page links to them); the rest is behind the session.
import "./certcenter.css";
import { NotFoundPage } from "../member/pages/NotFoundPage.tsx";
import { ClockNotice } from "./ClockNotice.tsx";
import { FaqPage } from "./pages/FaqPage.tsx";
import { GuidePage } from "./pages/GuidePage.tsx";
import { HomePage } from "./pages/HomePage.tsx";
import { IssuePage } from "./pages/IssuePage.tsx";
import { ManagePage } from "./pages/ManagePage.tsx";
import { RenewPage } from "./pages/RenewPage.tsx";

export default function CertCenter({ path }: { path: string }) {
  return (
    <>
      {/* Above every page of the centre: a wrong clock matters to issuance, renewal and the statuses. */}
      <ClockNotice />
      <CertCenterPage path={path} />
    </>
  );
}

function CertCenterPage({ path }: { path: string }) {
  switch (path) {
    case "/certcenter/guide":
      return <GuidePage />;
    case "/certcenter/faq":
      return <FaqPage />;
    case "/certcenter":
      return <HomePage />;
    case "/certcenter/issue":
      return <IssuePage key="issue" mode="issue" />;
    case "/certcenter/slip":
      return <IssuePage key="slip" mode="slip" />;
    case "/certcenter/reissue":
      return <IssuePage key="reissue" mode="reissue" />;
    case "/certcenter/renew":
      return <RenewPage />;
    case "/certcenter/manage":
      return <ManagePage />;
    default:
      return <NotFoundPage />;
  }
}
