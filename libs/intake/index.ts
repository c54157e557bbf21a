export * from './intake.module.js';
export { intakeDirectoryProjection } from './projections/intake-directory.projection.js';
export { channelMessagesProjection } from './projections/channel-messages.projection.js';
