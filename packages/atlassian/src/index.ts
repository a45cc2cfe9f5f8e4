export { createJiraClient } from './jira-client';
export type {
  JiraClient,
  JiraClientOptions,
  CreateIssueInput,
  JiraIssueRef,
  JiraIssue,
  JiraProject,
  JiraTransition,
  RemoteLinkInput,
  HostPriority,
  StatusCategory,
} from './jira-client';
export { createConfluenceClient } from './confluence-client';
export type { ConfluenceClient, ConfluenceClientOptions, PublishInput, PublishedPage } from './confluence-client';
export { atlassianRoutes, serviceRequestLabel } from './atlassian-routes';
export type {
  AtlassianRoutesOptions,
  AtlassianCallRecord,
  JiraRouteConfig,
  ConfluenceRouteConfig,
  ServiceRequest,
  KnowledgeArticle,
} from './atlassian-routes';
export { atlassianConfigFromEnv, type Env, type EnvClientOptions } from './config-from-env';
export { deploymentOf, type AtlassianAuth, type AtlassianDeployment, type AtlassianHttpOptions } from './atlassian-http';
export { AtlassianRemoteError, remoteError, type AtlassianService, type AtlassianRemoteErrorOptions } from './remote-errors';
export type { RetryOptions } from './retry';
export { toAdf, type AdfDocument, type AdfNode } from './adf';
export { toStorageFormat, escapeXml } from './storage-format';
export { toWikiMarkup, escapeWikiMarkup } from './wiki-markup';
export { parseMarkdownLite, stripForbiddenCharacters, type LiteBlock, type LiteInline } from './markdown-lite';
