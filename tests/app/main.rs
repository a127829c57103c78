//! Integration tests: the real app over HTTP, on SQLite, or on PostgreSQL with TEST_DATABASE_URL.

mod a11y;
mod admin;
mod auth;
mod campaigns;
mod catalog;
mod cli;
mod dashboard;
mod demo;
mod experiments;
mod experiments_web;
mod health;
mod helpers;
mod i18n;
mod ideas;
mod ideas_web;
mod mail;
mod migrations;
mod moderation;
mod observations;
mod openapi;
mod panels;
mod panels_web;
mod policy;
mod rounds;
mod setup;
mod surveys;
