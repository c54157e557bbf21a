import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  GraphQLError,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * What a document may make the server produce: every field (each alias separately) counts 1, and a field
 * taking `first` (or `last`, which wins when given) multiplies what is selected under it by the page size asked for
 * (its default when absent).
 * Each fragment is costed once per type, so this stays linear in the document's size.
 */
export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const fragmentCost = new Map<string, number>();
  const costOf = (selectionSet: SelectionSetNode | undefined, parent: GraphQLCompositeType | null | undefined): number => {
    if (!selectionSet || !parent) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (!field) continue;
        const child = getNamedType(field.type);
        const args = getArgumentValues(field, selection, variables);
        const size = typeof args['last'] === 'number' ? args['last'] : args['first'];
        const pageSize = typeof size === 'number' && size > 0 ? size : 1;
        total += 1 + pageSize * costOf(selection.selectionSet, isCompositeType(child) ? child : null);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += costOf(selection.selectionSet, isCompositeType(type) ? type : null);
      } else {
        const name = selection.name.value;
        const known = fragmentCost.get(name);
        if (known !== undefined) {
          total += known;
          continue;
        }
        const fragment = fragments[name];
        if (!fragment) continue;
        fragmentCost.set(name, 0); // cycles are refused by validation already; this only stops recursion
        const type = schema.getType(fragment.typeCondition.name.value);
        const cost = costOf(fragment.selectionSet, isCompositeType(type) ? type : null);
        fragmentCost.set(name, cost);
        total += cost;
      }
    }
    return total;
  };
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return costOf(operation.selectionSet, root);
}

/** Refuses an operation whose cost is above `maxCost` after validation and before anything executes. */
export function queryCostPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, operation, document, request }) {
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          }
          let cost: number;
          try {
            cost = queryCost(schema, operation, fragments, request.variables ?? {});
          } catch {
            return; // a variable of the wrong type: execution refuses it with its own clear error
          }
          if (cost > maxCost) {
            throw new GraphQLError(`The query costs ${cost}; at most ${maxCost} is allowed (fields × requested page sizes)`, {
              extensions: { code: 'BAD_USER_INPUT', cost, maxCost, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
