export { StoreBackups } from "./components/StoreBackups";
