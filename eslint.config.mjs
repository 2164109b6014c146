// ESLint (flat config): typescript-eslint's recommended rules, strict about `any`.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'prebuilds/**', '.gpu/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Node's require() is used deliberately for optional and lazily loaded modules.
      '@typescript-eslint/no-require-imports': 'off',
      // Tensor and Module declare their generated methods (unary/binary op families, the call
      // signature) by merging an interface into the class.
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
    },
  },
  {
    // Transform constructors record `arguments` as given (positional or options object), so a
    // DataLoader worker rebuilds the same transform.
    files: ['lib/vision/transforms/**/*.ts'],
    rules: { 'prefer-rest-params': 'off' },
  },
  {
    files: ['scripts/**/*.js', 'jest.config.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
