//! Kehittämö — "Kehittäminen kuuluu kaikille": the idea-and-experiment registry of a
//! Finnish joint municipal authority.

pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod demo_experiments;
pub mod demo_ideas;
pub mod demo_panels;
pub mod demo_surveys;
pub mod domain;
pub mod error;
pub mod http;
pub mod i18n;
pub mod mail;
pub mod spreadsheet;
pub mod startup;
pub mod telemetry;
pub mod web;
