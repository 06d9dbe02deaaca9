export { StoresPage } from "./routes/StoresPage";
export { CreateStorePage } from "./routes/CreateStorePage";
export { StoreDetailPage } from "./routes/StoreDetailPage";
