/** The body of the state dump thread (see state-dump-thread.ts): each question is one dump, written to its file. */
import { answerAsked } from "../asked-thread";
import { dumpStateToFile } from "./state-dump";

answerAsked(async (question) => {
  await dumpStateToFile(question.rpcUrl as string, question.file as string);
  return { written: true };
});
