export * from './accounts.module.js';
export * from './accounts-core.module.js';
export * from './application/accounts.queries.js';

export { AccountType, StaffMemberType } from './graphql/accounts.types.js';
export { toAccountType, toStaffType } from './graphql/mappers.js';
export { accountsProjection } from './projections/accounts.projection.js';
export { apiKeysProjection } from './projections/api-keys.projection.js';
