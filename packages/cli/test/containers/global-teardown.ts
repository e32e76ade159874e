// The `containers` project's emulator is the integration project's: so is its teardown.
export { default } from '../../../testkit/src/integration/global-teardown';
