/** The published Drone client ships no types: the two calls the dialect tests use. */
declare module 'drone-node' {
  export class Client {
    constructor(config: { url: string; token: string });
    promoteBuild(
      owner: string,
      repo: string,
      number: number,
      target: string,
      params: Record<string, string>,
    ): Promise<unknown>;
    getBuild(owner: string, repo: string, number: number): Promise<unknown>;
  }
}
