pub mod redline;
