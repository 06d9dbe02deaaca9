export { HealthPage } from "./routes/HealthPage";
