// The parts of the Medusa v2 Store API responses this storefront reads.

export interface Country {
  iso_2: string;
  display_name: string;
}

export interface Region {
  id: string;
  name: string;
  currency_code: string;
  countries?: Country[];
}

export interface CalculatedPrice {
  calculated_amount: number | null;
  original_amount: number | null;
  currency_code: string | null;
}

export interface VariantOption {
  id: string;
  value: string;
  option_id?: string | null;
  option?: { id: string; title: string } | null;
}

export interface Variant {
  id: string;
  title: string | null;
  sku?: string | null;
  manage_inventory?: boolean | null;
  allow_backorder?: boolean | null;
  inventory_quantity?: number | null;
  options?: VariantOption[] | null;
  calculated_price?: CalculatedPrice | null;
}

export interface ProductOption {
  id: string;
  title: string;
  values?: { id: string; value: string }[];
}

export interface ProductImage {
  id: string;
  url: string;
}

export interface Collection {
  id: string;
  title: string;
  handle: string;
}

export interface ProductCategory {
  id: string;
  name: string;
  handle: string;
  rank?: number | null;
}

export interface Product {
  id: string;
  title: string;
  handle: string;
  subtitle?: string | null;
  description: string | null;
  thumbnail: string | null;
  created_at?: string;
  collection_id?: string | null;
  collection?: Collection | null;
  images?: ProductImage[] | null;
  options?: ProductOption[] | null;
  variants?: Variant[] | null;
}

export interface Address {
  first_name: string;
  last_name: string;
  address_1: string;
  city: string;
  postal_code: string;
  country_code: string;
  province?: string;
  phone?: string;
}

export interface LineItem {
  id: string;
  title: string;
  product_title?: string | null;
  variant_title?: string | null;
  thumbnail: string | null;
  quantity: number;
  unit_price: number;
  total?: number | null;
  subtotal?: number | null;
  variant_id?: string | null;
  product_handle?: string | null;
}

export interface ShippingMethod {
  id: string;
  name: string;
  amount: number;
  shipping_option_id?: string | null;
}

export interface Cart {
  id: string;
  email?: string | null;
  currency_code: string;
  region_id?: string | null;
  items?: LineItem[] | null;
  shipping_address?: Partial<Address> | null;
  billing_address?: Partial<Address> | null;
  shipping_methods?: ShippingMethod[] | null;
  item_total?: number;
  subtotal?: number;
  shipping_total?: number;
  tax_total?: number;
  discount_total?: number;
  total?: number;
  completed_at?: string | null;
  payment_collection?: PaymentCollection | null;
}

export interface ShippingOption {
  id: string;
  name: string;
  amount: number | null;
  calculated_price?: { calculated_amount: number | null } | null;
  type?: { label?: string; description?: string; code?: string } | null;
}

export interface PaymentProvider {
  id: string;
}

export interface PaymentCollection {
  id: string;
  payment_sessions?: { id: string; provider_id: string; status?: string }[] | null;
}

export interface Order {
  id: string;
  display_id: number;
  email: string | null;
  currency_code: string;
  items?: LineItem[] | null;
  shipping_address?: Partial<Address> | null;
  shipping_methods?: ShippingMethod[] | null;
  item_total?: number;
  subtotal?: number;
  shipping_total?: number;
  tax_total?: number;
  total: number;
  created_at?: string;
}

export type CompleteCartResult =
  | { type: "order"; order: Order }
  | { type: "cart"; cart: Cart; error: { message: string; name?: string; type?: string } };
