// The landing page is in the main chunk; its charts (uPlot) load on their own (OverviewPage).
export { OverviewPage } from "./routes/OverviewPage";
