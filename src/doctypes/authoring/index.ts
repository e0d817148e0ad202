// Document-type authoring: check, save drafts, publish versions (Node only: the publish check forks a compile process).
export { loadedTypeFromSources, parseSourceTexts, SOURCE_LIMITS, type AuthoredSources, type TypePart, type TypeProblem } from './build-type.js';
export { checkTypeSources, storedReport, type PublishCheckOptions, type PublishCheckReport, type PublishCheckResult, type PublishCheckTimings } from './publish-checks.js';
export { pdfaStructureProblems } from './pdfa-structure.js';
export { renderInChildProcess, DEFAULT_COMPILE_TIMEOUT_MS, type SandboxedRender, type SandboxOptions } from './compile-sandboxed.js';
export { publishAuthoredType, checkAuthoredType, loadPublishedAuthoredTypes, notPublishable, type PublishDeps, type PublishRequest, type PublishOutcome, type StartupLoadReport } from './publish.js';
export { saveTypeDraft, startNewVersion, type DraftRequest, type SavedDraft } from './versions.js';
