export { postgresStorage, type PostgresConnection, type PostgresStorage, type PostgresStorageOptions } from './postgres-storage';
