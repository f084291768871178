#!/usr/bin/env python3
"""The support RAG assistant of examples/support-rag-assistant.yaml, modelled in OWASP pytm.

Used by bench/compare_pytm.sh to compare findings on an equivalent system. pytm has no element
for retrievers, vector stores, guardrails, tools or ingestion, so they become Process, Datastore
and Server elements with the closest flags.
"""
from pytm import TM, Actor, Boundary, Data, Dataflow, Datastore, LLM, Process, Server, Classification

tm = TM("Northwind Support Assistant")
tm.description = "Customer-support RAG assistant with ticket ingestion"
tm.isOrdered = True

internet = Boundary("Internet")
corp = Boundary("Corporate cloud")
vendor = Boundary("LLM vendor")

customer = Actor("Customer", inBoundary=internet)
submitter = Actor("Ticket submitter", inBoundary=internet)

portal = Server("Support portal", inBoundary=corp)
chat = Server("Chat web", inBoundary=corp)
orchestrator = Process("Orchestrator", inBoundary=corp)
guard_in = Process("Input guardrail", inBoundary=corp)
guard_out = Process("Output guardrail", inBoundary=corp)
ingestion = Process("Ticket ingestion", inBoundary=corp)
retriever = Process("Retriever", inBoundary=corp)
crm_tool = Process("CRM lookup tool", inBoundary=corp)
ticket_db = Datastore("Ticket DB", inBoundary=corp, storesPII=True)
kb = Datastore("Knowledge base", inBoundary=corp, storesPII=True)
vectors = Datastore("Vector store", inBoundary=corp)
logs = Datastore("Interaction log", inBoundary=corp, storesPII=True)
crm = Server("CRM", inBoundary=vendor)
embed = LLM("Embedding model", inBoundary=corp)
embed.isThirdParty = True
embed.isSelfHosted = True
llm = LLM("Vendor LLM", inBoundary=vendor)
llm.isThirdParty = True
llm.processesPersonalData = True
llm.hasRAG = True
llm.hasAgentCapabilities = True
llm.hasAccessToSensitiveSystems = True
llm.processesUntrustedInput = True

tickets = Data("Support tickets", classification=Classification.SENSITIVE, isPII=True)
chat_msg = Data("Chat messages", classification=Classification.SENSITIVE, isPII=True)
records = Data("Customer records", classification=Classification.RESTRICTED, isPII=True)

flows = [
    (submitter, portal, tickets), (portal, ticket_db, tickets), (ticket_db, ingestion, tickets),
    (ingestion, kb, tickets), (ingestion, embed, tickets), (embed, vectors, tickets),
    (customer, chat, chat_msg), (chat, orchestrator, chat_msg), (orchestrator, guard_in, chat_msg),
    (orchestrator, retriever, chat_msg), (retriever, vectors, chat_msg), (retriever, kb, chat_msg),
    (orchestrator, llm, chat_msg), (llm, orchestrator, chat_msg), (orchestrator, crm_tool, chat_msg),
    (crm_tool, crm, records), (orchestrator, guard_out, chat_msg), (guard_out, chat, chat_msg),
    (orchestrator, logs, chat_msg),
]
for i, (a, b, d) in enumerate(flows):
    Dataflow(a, b, f"flow {i}", data=d, protocol="HTTPS", isEncrypted=True)

if __name__ == "__main__":
    tm.process()
