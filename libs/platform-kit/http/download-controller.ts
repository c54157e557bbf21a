import { applyDecorators, Controller, Get, UseFilters } from '@nestjs/common';
import { Public } from '../auth/roles.decorator.js';
import { RestExceptionFilter } from './rest-exception.filter.js';

/** The little of express's response a download needs. */
export interface DownloadResponse {
  setHeader(name: string, value: string): DownloadResponse;
  status(code: number): DownloadResponse;
  send(body: unknown): void;
  json(body: unknown): void;
}

/** A REST controller whose errors answer as JSON with the GraphQL codes (RestExceptionFilter). */
export const DownloadController = (prefix: string) => applyDecorators(Controller(prefix), UseFilters(RestExceptionFilter));

/**
 * A download route that authenticates itself (a bearer token like GraphQL's, by `Credentials.fromAuthorization`):
 * the GraphQL guard's context does not exist for REST, so the route is marked public to that guard.
 */
export const AuthenticatedDownload = (path: string) => applyDecorators(Public(), Get(path));
