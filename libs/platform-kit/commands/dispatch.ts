import { CommandHandlerNotFoundException, type CommandBus, type ICommand } from '@nestjs/cqrs';

/**
 * Asks another context to react, when that context runs in this process. In a split deployment (one app
 * per context) nobody here handles it, and the owner's daily sweep catches up instead.
 */
export async function dispatchIfHandled<T>(commandBus: CommandBus, command: ICommand): Promise<T | undefined> {
  try {
    return await commandBus.execute(command);
  } catch (error) {
    if (error instanceof CommandHandlerNotFoundException) return undefined;
    throw error;
  }
}
