import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Module, type Type } from '@nestjs/common';
import type { LedgerdeskConfig } from './config/config.js';
import { createLogger, NestPinoLogger, type Logger } from './logging/logger.js';
import type { InfrastructureOptions } from './infrastructure.js';
import { PlatformKitModule } from './platform-kit.module.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface LedgerdeskApp {
  app: NestExpressApplication;
  logger: Logger;
  /** The port it listens on (useful with PORT=0 in tests). */
  port: number;
  close(): Promise<void>;
}

/** Boots the platform kit with the given context modules and listens on `config.port`. */
export async function startLedgerdesk(
  name: string,
  contexts: Type[],
  config: LedgerdeskConfig,
  logger: Logger = createLogger(config.logLevel),
  options: InfrastructureOptions = {},
): Promise<LedgerdeskApp> {
  @Module({ imports: [PlatformKitModule.forRoot({ config, logger, ...options }), ...contexts] })
  class RootModule {}
  Object.defineProperty(RootModule, 'name', { value: `${name}RootModule` });

  const app = await NestFactory.create<NestExpressApplication>(RootModule, {
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
    bufferLogs: false,
    abortOnError: false,
  });
  app.useBodyParser('json', { limit: MAX_BODY_BYTES });
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, logger, port, close: () => app.close() };
}
