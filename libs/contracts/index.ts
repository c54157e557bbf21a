// Event contracts shared between contexts (versioned). Each context's own events are added with its issue.
export type { Actor, Role } from '#event-store';
