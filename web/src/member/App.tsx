// The member site's pages by path, behind the session: the login page while logged out, the
// online registration (new password) while the temporary password is in force. The certificate
// centre loads on demand (its own chunk), so the first page carries none of it.
import { lazy, Suspense, useEffect } from "react";
import { isCertcenterPath, publicCertcenterPaths } from "../certcenter/paths.ts";
import { matchPath, navigate, usePath } from "../lib/router.tsx";
import { Layout } from "./Layout.tsx";
import { HistoryPage } from "./pages/HistoryPage.tsx";
import { HomePage } from "./pages/HomePage.tsx";
import { LimitsPage } from "./pages/LimitsPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { MyInfoPage } from "./pages/MyInfoPage.tsx";
import { NotFoundPage } from "./pages/NotFoundPage.tsx";
import { NotificationsPage } from "./pages/NotificationsPage.tsx";
import { PasswordPage } from "./pages/PasswordPage.tsx";
import { TransferPage } from "./pages/TransferPage.tsx";
import { useSession } from "./session.tsx";

const CertCenter = lazy(() => import("../certcenter/CertCenter.tsx"));

function CertCenterPages({ path }: { path: string }) {
  return (
    <Suspense fallback={<div className="page-skeleton" aria-hidden="true" />}>
      <CertCenter path={path} />
    </Suspense>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Pages({ path }: { path: string }) {
  if (path === "/") return <HomePage />;
  const history = matchPath("/accounts/:number", path);
  if (history) return <HistoryPage key={history.number} number={history.number!} />;
  if (path === "/transfer") return <TransferPage />;
  if (path === "/limits") return <LimitsPage />;
  if (path === "/me") return <MyInfoPage />;
  if (path === "/password") return <PasswordPage registration={false} />;
  if (path === "/notifications") return <NotificationsPage />;
  if (isCertcenterPath(path)) return <CertCenterPages path={path} />;
  if (path === "/login" || path === "/register") return <Redirect to="/" />;
  return <NotFoundPage />;
}

export function App() {
  const { state } = useSession();
  const path = usePath();
  if (state.status === "loading") return <Layout loading />;
  if (state.status === "out") {
    if (publicCertcenterPaths.includes(path))
      return (
        <Layout>
          <CertCenterPages path={path} />
        </Layout>
      );
    return (
      <Layout>{path === "/login" ? <LoginPage reason={state.reason} /> : <Redirect to="/login" />}</Layout>
    );
  }
  if (state.member.mustChangePassword) {
    return (
      <Layout>{path === "/register" ? <PasswordPage registration /> : <Redirect to="/register" />}</Layout>
    );
  }
  return (
    <Layout>
      <Pages path={path} />
    </Layout>
  );
}
