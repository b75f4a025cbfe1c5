// esbuild bundles `import "./style.css"` into <widget>.css next to the widget's module.
declare module "*.css";
