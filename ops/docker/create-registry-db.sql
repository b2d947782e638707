CREATE DATABASE parmana_registry;
