import { type ReactNode } from "react";
import { useParams } from "react-router-dom";
import { ErrorAlert } from "@/components/ErrorAlert";
import { ExternalLink } from "@/components/ExternalLink";
import { PageHeader } from "@/components/PageHeader";
import { BackLink, Section } from "@/components/Section";
import { Skeleton } from "@/components/ui/skeleton";
import { isApiError } from "@/lib/api/errors";
import { formatDateTime, shortSha } from "@/lib/format";
import { useSession } from "@/lib/session";
import { useStore } from "../api/get-store";
import { useStoreEvents } from "../api/get-store-events";
import { CredentialsPanel } from "../components/CredentialsPanel";
import { DeleteStore, RetryButton } from "../components/DangerZone";
import { HistoryList } from "../components/HistoryList";
import { MoveStore } from "../components/MoveStore";
import { ResourcesPanel } from "../components/ResourcesPanel";
import { PinControls } from "../components/PinControls";
import { SettingsForm } from "../components/SettingsForm";
import { StatusChip } from "../components/StatusChip";
import { StatusTimeline } from "../components/StatusTimeline";
import { useTemplateTitle } from "../components/TemplatePicker";
import { ENGINE_LABELS, storeLinks, type Store } from "../lib/status";

function Links({ store }: { store: Store }) {
  const links = storeLinks(store);
  if (!links)
    return <>{store.status === "ready" ? "Shown with the credentials below" : "Available once the store is ready"}</>;
  return (
    <span className="flex flex-wrap gap-3">
      <ExternalLink href={links.storefront}>Storefront</ExternalLink>
      {links.admin && <ExternalLink href={links.admin}>Open admin</ExternalLink>}
    </span>
  );
}

function Overview({ store }: { store: Store }) {
  const templateTitle = useTemplateTitle(store.template);
  return (
    <dl className="grid gap-3 text-sm sm:grid-cols-2">
      <div>
        <dt className="text-xs text-slate-500">Status</dt>
        <dd>
          <StatusChip store={store} />
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Engine · theme · plan</dt>
        <dd>{[ENGINE_LABELS[store.engine], store.theme, store.plan].filter(Boolean).join(" · ")}</dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Catalogue template</dt>
        <dd>
          <span className="block">{templateTitle}</span>
          <span className="block text-xs text-slate-600">Seeded once at creation; it does not change.</span>
        </dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Cluster</dt>
        <dd>{store.cluster ? [store.cluster.name, store.cluster.region].filter(Boolean).join(" · ") : "—"}</dd>
      </div>
      <div>
        <dt className="text-xs text-slate-500">Last commit</dt>
        <dd className="font-mono">{shortSha(store.last_commit_sha)}</dd>
      </div>
      {store.pin && (
        <div className="sm:col-span-2">
          <dt className="text-xs text-slate-500">Pinned</dt>
          <dd>
            <span className="block">{store.pin.reason}</span>
            <span className="block text-xs text-slate-600">
              By {store.pin.pinned_by}, {formatDateTime(store.pin.pinned_at)}: fleet-wide rollouts leave this store as
              it is.
            </span>
          </dd>
        </div>
      )}
      {store.pull_request_url && (
        <div className="sm:col-span-2">
          <dt className="text-xs text-slate-500">Pull request</dt>
          <dd>
            <ExternalLink href={store.pull_request_url}>Waiting for review on GitHub</ExternalLink>
          </dd>
        </div>
      )}
      <div>
        <dt className="text-xs text-slate-500">URLs</dt>
        <dd>
          <Links store={store} />
        </dd>
      </div>
    </dl>
  );
}

/** Sections other features add to the store page (composed in src/app: features do not import each other). */
type StoreDetailSlots = {
  /** The rollouts that touched the store. */
  rollouts?: (store: Store) => ReactNode;
  /** What the store reserves and what it costs a month. */
  usage?: (store: Store) => ReactNode;
  /** The store's backups, one more now, and a restore from one. */
  backups?: (store: Store) => ReactNode;
};

function StoreDetail({ store, rollouts, usage, backups }: { store: Store } & StoreDetailSlots) {
  const session = useSession();
  const events = useStoreEvents(store.id, store.updated_at);
  const isOwner = session?.user.id === store.owner_id;
  const isAdmin = session?.user.role === "admin";
  const gone = store.status === "deleted";
  return (
    <>
      <BackLink to="/stores" label="Stores" />
      <PageHeader title={store.name} description={<code className="text-xs">{store.id}</code>} />
      <div className="grid gap-4 lg:grid-cols-[3fr_2fr]">
        <div className="min-w-0 space-y-4">
          <Section title="Overview">
            <Overview store={store} />
            <div className="mt-3">
              <RetryButton store={store} />
            </div>
          </Section>
          <Section title="Git history">
            <HistoryList store={store} />
          </Section>
          {!gone && (
            <Section title="Settings">
              <SettingsForm key={`${store.theme}:${store.plan}:${JSON.stringify(store.branding)}`} store={store} />
            </Section>
          )}
          {!gone && (
            <Section title="Cluster">
              <MoveStore store={store} isAdmin={isAdmin} />
            </Section>
          )}
          {!gone && (
            <Section title="Pin">
              <PinControls store={store} />
            </Section>
          )}
          {!gone && (
            <Section title="Cluster resources">
              <ResourcesPanel storeId={store.id} />
            </Section>
          )}
          {usage && !gone && <Section title="Usage">{usage(store)}</Section>}
          {/* a deleted store's backups stay listed: its kept final backup is how it comes back */}
          {backups && <Section title="Backups">{backups(store)}</Section>}
        </div>
        <div className="min-w-0 space-y-4">
          <Section title="Timeline">
            {events.error ? (
              <ErrorAlert error={events.error} />
            ) : events.data ? (
              <StatusTimeline events={events.data.events} />
            ) : (
              <Skeleton className="h-32 w-full" />
            )}
          </Section>
          {rollouts && <Section title="Rollouts">{rollouts(store)}</Section>}
          {isOwner && !gone && (
            <Section title="Admin credentials">
              <CredentialsPanel store={store} />
            </Section>
          )}
          {!gone && (
            <Section title="Delete">
              <DeleteStore store={store} />
            </Section>
          )}
        </div>
      </div>
    </>
  );
}

export function StoreDetailPage({ rollouts, usage, backups }: StoreDetailSlots = {}) {
  const { storeId = "" } = useParams();
  const store = useStore(storeId);
  if (store.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading store" className="space-y-4">
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }
  if (store.error) {
    const notFound = isApiError(store.error) && (store.error.status === 404 || store.error.status === 422);
    return (
      <>
        <BackLink to="/stores" label="Stores" />
        {notFound ? (
          <PageHeader
            title="Store not found"
            description="There is no store with this address, or it belongs to someone else."
          />
        ) : (
          <>
            <PageHeader title="The store could not be loaded" />
            <ErrorAlert error={store.error} />
          </>
        )}
      </>
    );
  }
  return <StoreDetail store={store.data} rollouts={rollouts} usage={usage} backups={backups} />;
}
