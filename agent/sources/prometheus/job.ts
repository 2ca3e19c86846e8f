import type { Labels } from "../../../shared/model/labels.ts";
import type { RelabelConfig } from "../../transforms/relabel/config.ts";

/**
 * What the Prometheus source needs from one `scrape_configs` entry, durations in ms and sizes
 * in bytes (the config loader normalises them). The field names stay Prometheus's.
 */
export interface ScrapeJob {
  job_name: string;
  scrape_interval: number;
  scrape_timeout: number;
  metrics_path: string;
  scheme: "http" | "https";
  params: Record<string, string[]>;
  honor_labels: boolean;
  honor_timestamps: boolean;
  static_configs: { targets: string[]; labels: Record<string, string> }[];
  file_sd_configs: { files: string[]; refresh_interval: number }[];
  relabel_configs: RelabelConfig[];
  metric_relabel_configs: RelabelConfig[];
  sample_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  body_size_limit: number;
  basic_auth?: {
    username?: string;
    username_file?: string;
    password?: string;
    password_file?: string;
  };
  authorization?: { type: string; credentials?: string; credentials_file?: string };
  bearer_token?: string;
  bearer_token_file?: string;
  tls_config?: {
    ca_file?: string;
    cert_file?: string;
    key_file?: string;
    server_name?: string;
    insecure_skip_verify: boolean;
  };
}

/** One scrape target after target relabeling: where to scrape and the labels it adds. */
export interface Target {
  /** Stable identity: job name plus the final label set and URL. */
  readonly key: string;
  readonly url: string;
  /** Target labels attached to every sample (job, instance, group labels), sorted. */
  readonly labels: Labels;
  readonly job: ScrapeJob;
}

/** A group of targets sharing labels, as static_configs and file_sd files list them. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
  /** Discovery metadata labels (`__meta_*`), visible to relabel_configs only. */
  meta?: Record<string, string>;
}
